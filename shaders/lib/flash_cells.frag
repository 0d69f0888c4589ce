// The flash limiter's eyes, second half: each region's mean colour, from the row means of
// flash_rows.frag (iChannel0). Regions are counted from the top of the picture, as the checker
// counts them, so region row r covers the pixel rows r * height / rows up to the next.
uniform int uRows;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    ivec2 at = ivec2(fragCoord);
    int height = textureSize(iChannel0, 0).y;
    int fromTop = uRows - 1 - at.y;
    int y0 = height - (fromTop + 1) * height / uRows, y1 = height - fromTop * height / uRows;
    vec3 sum = vec3(0.0);
    for (int y = y0; y < y1; y++)
        sum += texelFetch(iChannel0, ivec2(at.x, y), 0).rgb;
    fragColor = vec4(sum / float(y1 - y0), 1.0);
}
