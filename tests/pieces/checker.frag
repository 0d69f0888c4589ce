// 8 x 6 squares, black and white, over the middle 80% of the canvas on a white border (a
// checkerboard finder needs the border); or a flat grey field.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (fragCoord / iResolution.xy - 0.1) / 0.8;
    vec2 cell = floor(p * vec2(8.0, 6.0));
    float v = any(lessThan(p, vec2(0.0))) || any(greaterThan(p, vec2(1.0))) ? 1.0 : mod(cell.x + cell.y, 2.0);
    fragColor = vec4(vec3(grey > 0.0 ? grey : v), 1.0);
}
