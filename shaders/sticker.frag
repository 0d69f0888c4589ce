// Commodity stickers, one instance each: a SALE starburst, a round logo badge, or a price label.
// vData[0] = (kind 0 starburst / 1 badge / 2 label, colour index, seed, 0)
#include "lib/common.glsl"

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = vUV;
    float px = length(vec2(dFdx(p.x), dFdy(p.x)));
    int kind = int(vData[0].x + 0.5);
    vec3 ink = vData[0].y < 0.5 ? GOLD : vData[0].y < 1.5 ? MAGENTA : AR_CYAN;
    float d;
    if (kind == 0) {
        float a = atan(p.y, p.x);
        d = length(p) - (0.82 + 0.12 * sin(a * 14.0 + vData[0].z));
    } else if (kind == 1) {
        d = length(p) - 0.9;
    } else {
        d = sdBox(p, vec2(0.92, 0.6)) - 0.05;
    }
    float body = aa(d / px);
    float rim = stroke((d + 0.12) / px, max(1.0, 0.05 / px));
    vec3 col = mix(ink, vec3(1.0), kind == 2 ? 0.85 : 0.0);
    col = mix(col, vec3(0.05), rim * (kind == 1 ? 1.0 : 0.6));
    fragColor = vec4(col, 1.0) * body;
}
