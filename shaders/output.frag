// The final output pass, drawn as one quad per region of the flash limiter's grid, each covering
// exactly the pixels of its region (as the checker cuts them), so each region's mean moves
// exactly as planned. In linear light: uFade is the picture master (blackout, panic, closing
// hours); then the region is blended toward what was shown there last frame (iChannel1) by its
// own amount, vData[0].x.
uniform float uFade;

vec3 toLinear(vec3 c) { return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c)); }
vec3 toSrgb(vec3 c) { return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c)); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    ivec2 at = ivec2(fragCoord);
    vec3 c = toLinear(texelFetch(iChannel0, at, 0).rgb) * clamp(uFade, 0.0, 1.0);
    vec3 last = toLinear(texelFetch(iChannel1, at, 0).rgb);
    fragColor = vec4(toSrgb(clamp(mix(c, last, vData[0].x), 0.0, 1.0)), 1.0);
}
