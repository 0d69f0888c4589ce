// A trade arc between two stalls, one instance per barter, drawn in the arc's bounding box.
// vData[0] = ends (a.xy, b.xy) and vData[1] = (control.xy, age 0..1, colour index), all in 0..1.
#include "lib/common.glsl"

vec2 bezier(vec2 a, vec2 c, vec2 b, float t) { return mix(mix(a, c, t), mix(c, b, t), t); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 a = vData[0].xy * res, b = vData[0].zw * res, c = vData[1].xy * res;
    float age = vData[1].z;
    vec3 ink = vData[1].w < 0.5 ? AMBER : vData[1].w < 1.5 ? MAGENTA : TEAL;
    float d = 1e9, along = 0.0;
    vec2 prev = a;
    for (int i = 1; i <= 24; i++) {
        float t = float(i) / 24.0;
        vec2 next = bezier(a, c, b, t);
        vec2 pa = fragCoord - prev, ba = next - prev;
        float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
        float di = length(pa - ba * h);
        if (di < d) { d = di; along = t - (1.0 - h) / 24.0; }
        prev = next;
    }
    float fade = 1.0 - smoothstep(0.55, 1.0, age);
    float width = res.y * 0.004;
    float line = stroke(d, width) * 0.9 + 0.35 * exp(-d / (width * 3.0));
    // the goods travelling from a to b in the first half of the arc's life
    vec2 goods = bezier(a, c, b, smoothstep(0.0, 0.5, age));
    float dot_ = aa(length(fragCoord - goods) - width * 2.5) * step(age, 0.55);
    float alpha = clamp(line * fade * smoothstep(0.0, 0.04, along) + dot_, 0.0, 1.0);
    vec3 col = mix(ink, vec3(1.0, 0.95, 0.85), dot_);
    fragColor = vec4(col * alpha, alpha);
}
