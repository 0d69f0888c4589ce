// Empathy Echo: the stream's wall. A dim studio glow, and the rings of every message's ripple
// spreading across the wall of smiles drawn over it.
#include "lib/common.glsl"

uniform vec4 ripples[12];   // centre (xy, 0..1), radius in canvas heights, strength (0 = unused)
uniform float wallRight;    // where the wall ends and the chat begins, 0..1

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 uv = fragCoord / res;
    vec3 col = mix(vec3(0.05, 0.03, 0.08), vec3(0.08, 0.04, 0.10), uv.y);
    col += vec3(0.5, 0.2, 0.6) * 0.05 * exp(-pow(length(uv - vec2(0.4, 0.55)) / 0.5, 2.0));
    for (int i = 0; i < 12; i++) {
        vec4 r = ripples[i];
        if (r.w <= 0.0) continue;
        float d = length((uv - r.xy) * vec2(res.x / res.y, 1.0)) - r.z;
        float ring = exp(-pow(d * res.y / (4.0 + 6.0 * r.w), 2.0));
        float fade = 1.0 - smoothstep(0.3, 1.2, r.z / (0.25 + 0.2 * r.w));   // spent at its reach
        col += mix(AR_CYAN, MAGENTA, 0.35) * ring * 0.55 * fade * min(r.w, 2.0);
    }
    // the chat column
    float chat = step(wallRight, uv.x);
    col = mix(col, vec3(0.03, 0.02, 0.05), chat * 0.85);
    col += AR_CYAN * 0.35 * stroke((uv.x - wallRight) * res.x, 1.5);
    fragColor = vec4(col, 1.0);
}
