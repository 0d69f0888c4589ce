// Smile Bazaar: a warm night market. Strings of lanterns, striped awnings, wooden stalls: the
// human register, hand-made and crowded. The smiles, signs and trade arcs are drawn over this.
#include "lib/common.glsl"

uniform vec4 stalls[8];     // centre and half size, in pixels, back row first
uniform int stallCount;     // (the piece's `stalls_open` parameter rolls the awnings and lights them)
uniform float glow;         // 0..1, the crowd's excitement: the lanterns burn brighter

const vec3 WOOD = vec3(0.20, 0.10, 0.05);
const vec3 CREAM = vec3(0.96, 0.88, 0.70);

vec3 stallColor(int i) { return i % 3 == 0 ? AMBER : i % 3 == 1 ? MAGENTA : TEAL; }

// The lantern strings: three sagging catenaries, lanterns every so often along each.
vec3 lanterns(vec2 fc, vec2 res) {
    vec3 light = vec3(0.0);
    float H = res.y;
    for (int s = 0; s < 3; s++) {
        float top = (0.97 - 0.035 * float(s)) * H;
        float sag = (0.09 + 0.03 * float(s)) * H;
        float u = fc.x / res.x;
        float y = top - sag * 4.0 * u * (1.0 - u);
        light += vec3(0.35, 0.25, 0.15) * stroke(fc.y - y, 1.5) * 0.5;
        float spacing = res.x / (9.0 + 2.0 * float(s));
        float shift = float(s) * 0.33;
        float k = floor(fc.x / spacing - shift);
        for (int j = -1; j <= 1; j++) {   // the three nearest lanterns: their glow reaches no further
            float lx = (k + float(j) + 0.5 + shift) * spacing;
            float lu = lx / res.x;
            vec2 c = vec2(lx, top - sag * 4.0 * lu * (1.0 - lu) - 0.018 * H);
            int hue = int(mod(k + float(j) + float(s), 3.0));
            vec3 col = hue == 0 ? AMBER : hue == 1 ? MAGENTA : TEAL;
            float breathe = 0.8 + 0.2 * sin(iTime * 0.45 + (k + float(j)) * 1.7 + float(s));
            float d = length(fc - c);
            float r = 0.014 * H;
            float halo = exp(-d / (r * (2.0 + 5.0 * glow))) * smoothstep(spacing, spacing * 0.5, d);
            light += col * (aa(d - r) * (0.9 + 0.4 * glow) + 0.55 * halo) * breathe;
        }
    }
    return light;
}

vec3 stall(vec2 fc, vec4 s, int i, vec3 under) {
    vec2 q = fc - s.xy;
    vec2 hs = s.zw;
    float panel = sdBox(q, hs);
    if (panel > 2.0) return under;
    float u = q.y / hs.y;                                   // -1 bottom .. 1 top
    vec3 col = WOOD * (0.6 + 0.5 * smoothstep(-1.0, 1.0, u)) * (0.45 + 0.55 * stalls_open);
    col += AMBER * 0.25 * exp(-pow((u - 0.55) / 0.35, 2.0)) * stalls_open; // light under the awning
    // the awning, rolled up until the stall opens: stripes, and a scalloped edge
    float awningTop = hs.y, awningBottom = hs.y * mix(0.92, 0.55, stalls_open);
    float scallop = awningBottom - hs.y * 0.06 * (1.0 - abs(fract(q.x / (hs.x * 0.25)) * 2.0 - 1.0));
    if (q.y > scallop) {
        float stripe = step(0.5, fract(q.x / (hs.x * 0.25) + 0.25));
        col = mix(CREAM * 0.9, stallColor(i) * 0.9, stripe) * (0.75 + 0.25 * (q.y - scallop) / (awningTop - scallop));
    }
    // the counter, and two poles
    if (u < -0.62) col = WOOD * 1.5 + 0.08 * step(-0.66, u);
    col = mix(col, WOOD * 0.8, aa(abs(abs(q.x) - hs.x * 0.94) - hs.x * 0.025));
    return mix(under, col, aa(panel));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 uv = fragCoord / res;
    vec3 col = mix(vec3(0.14, 0.06, 0.03), vec3(0.10, 0.03, 0.09), uv.y);
    col += 0.04 * vec3(1.0, 0.6, 0.3) * (1.0 - uv.y) * (1.0 + glow);
    col += lanterns(fragCoord, res);
    for (int i = 0; i < 8; i++) {
        if (i >= stallCount) break;
        col = stall(fragCoord, stalls[i], i, col);
    }
    col += 0.05 * vec3(1.0, 0.55, 0.2) * smoothstep(0.35, 0.0, uv.y) * (1.0 + glow);   // warm haze
    fragColor = vec4(col, 1.0);
}
