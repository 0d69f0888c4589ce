// The template's picture: a breathing circle on the night background, ripples on each pulse.
// Parameters (breath, ink, focus, pulse) are declared for you; declare your own uniforms here.
#include "lib/common.glsl"

uniform float ripples[4];   // ages in seconds of the last ripples, -1 when unused

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (fragCoord - focus * iResolution.xy) / iResolution.y;
    float px = 1.0 / iResolution.y;
    float r = 0.18 + 0.06 * breath * sin(iTime * 1.3);
    vec3 col = NIGHT;
    col = mix(col, ink.rgb, aa(sdCircle(uv, r) / px));
    for (int i = 0; i < 4; i++) {
        if (ripples[i] < 0.0) continue;
        float ring = stroke((length(uv) - r - ripples[i] * 0.25) / px, 3.0);
        col = mix(col, AR_CYAN, ring * (1.0 - ripples[i] / 3.0));
    }
    fragColor = vec4(col, 1.0);
}
