// The flash limiter's eyes: each fragment of a grid-sized target is one region of the picture
// (iChannel0), its mean colour in linear light from a 16x16 spread of samples (close enough to
// the exact mean that what the limiter plans is what the checker measures).
#include "common.glsl"

vec3 toLinear(vec3 c) { return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c)); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 cell = 1.0 / iResolution.xy;
    vec2 origin = floor(fragCoord) * cell;
    vec3 sum = vec3(0.0);
    for (int j = 0; j < 16; j++)
    for (int i = 0; i < 16; i++) {
        vec2 uv = origin + (vec2(i, j) + 0.5) / 16.0 * cell;
        sum += toLinear(texture(iChannel0, uv).rgb);
    }
    fragColor = vec4(sum / 256.0, 1.0);
}
