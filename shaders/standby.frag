// Standby: a single line of a smile, breathing slowly on the night background. Calm on purpose:
// this is what the room sees while something else is being put right.
#include "lib/common.glsl"

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 p = (fragCoord - res * 0.5) / res.y;
    float breath = 0.5 + 0.5 * sin(iTime * 0.5);
    float arc = 0.9 + 0.25 * breath;
    float w = 0.22;
    float t = clamp(p.x / w, -1.0, 1.0);
    float curve = arc * 0.09 * t * t - 0.02;
    float d = length(vec2(p.x - t * w, p.y - curve)) * res.y;
    vec3 col = NIGHT + vec3(0.02, 0.015, 0.03) * (1.0 - length(p));
    col += mix(AR_CYAN, ENAMEL, 0.4) * (stroke(d, 2.5) * 0.7 + 0.12 * exp(-d / 14.0)) * (0.6 + 0.25 * breath);
    fragColor = vec4(col, 1.0);
}
