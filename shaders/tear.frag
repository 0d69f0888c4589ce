// Paints tears into the persistent `torn` image: each pass of a fast gesture adds to what is
// torn along the hand's path. 0..1 strips the stickers and labels, 1..2 the foil beneath them.
#include "lib/common.glsl"

uniform vec4 handPath;     // last frame's hand (xy) and this frame's (zw), 0..1
uniform float force;       // 0 still .. 1 a sweeping gesture

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    float torn = texture(iChannel0, uv).r;
    vec2 aspect = vec2(iResolution.x / iResolution.y, 1.0);
    vec2 a = handPath.xy * aspect, b = handPath.zw * aspect, p = uv * aspect;
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / max(dot(ba, ba), 1e-6), 0.0, 1.0);
    float d = length(pa - ba * h);
    float ragged = 0.75 + 0.25 * hash12(floor(p * 90.0));            // foil tears in ragged edges
    float radius = 0.07 * ragged;
    float add = smoothstep(radius, radius * 0.6, d) * force * 0.5;
    fragColor = vec4(min(torn + add, 2.0), 0.0, 0.0, 1.0);
}
