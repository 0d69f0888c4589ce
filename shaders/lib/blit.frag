// Draws a texture (text, an image) tinted, premultiplied for blending over what is there.
uniform vec4 tint;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec4 t = texture(iChannel0, vUV * 0.5 + 0.5) * tint;
    fragColor = vec4(t.rgb * t.a, t.a);
}
