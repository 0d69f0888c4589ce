// Smile Credits: the catalog smile under its price HUD, on the catalog's graph paper.
// Where a refusal has cracked the veneer, the real smile shows through.
#include "lib/smile.glsl"
#include "lib/hud.glsl"

uniform vec3 bigRect;       // the big smile's 2:1 box: centre (x, y) in 0..1, height in canvas heights
uniform float mouthOpen;    // how far the big smile is open
uniform float crack;        // 0..1, how far the veneer has cracked
uniform vec4 tags[12];      // per tooth, in pixels: the tooth (xy) and its tag's centre (zw)
uniform int tagCount;
uniform vec2 tagHalf;       // a tag's half size in pixels
uniform float purity;       // 0..1: how close the big smile is to the catalog ideal
uniform float pulse;        // a purchase's glow, fading out
uniform vec3 ring;          // credit ring: centre (x, y) in 0..1, radius in canvas heights
uniform float tickerTop;    // the ticker band's top, 0..1

// Cracks: the edges of a Voronoi pattern over the smile; cells beyond the crack's reach stay put,
// cells within it have flaked away. Returns (edge distance, flaked).
vec2 veneerCracks(vec2 p, float amount) {
    vec2 cell = floor(p * 3.2), f = fract(p * 3.2);
    float d1 = 9.0, d2 = 9.0;
    vec2 id1 = vec2(0.0);
    for (int j = -1; j <= 1; j++)
    for (int i = -1; i <= 1; i++) {
        vec2 o = vec2(i, j);
        vec2 r = o + vec2(hash12(cell + o), hash12(cell + o + 17.0)) - f;
        float d = dot(r, r);
        if (d < d1) { d2 = d1; d1 = d; id1 = cell + o; }
        else if (d < d2) { d2 = d; }
    }
    float edge = (sqrt(d2) - sqrt(d1)) / 3.2;
    float reach = hash12(id1 + 3.0);
    return vec2(edge, step(reach, amount * 0.55));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    float H = res.y;
    vec3 col = NIGHT + 0.02 * vec3(0.0, 0.6, 0.7) * (1.0 - length(fragCoord / res - 0.5));
    col = mix(col, AR_CYAN * 0.16, hudGrid(fragCoord, H / 18.0) * 0.35);

    // the big smile, and the real one under its veneer where the veneer has flaked
    vec2 centre = vec2(bigRect.x * res.x, bigRect.y * H);
    float unit = bigRect.z * H * 0.5;
    vec2 p = (fragCoord - centre) / unit;
    float px = 1.0 / unit;
    if (abs(p.x) < 2.2 && abs(p.y) < 1.1) {
        vec2 cr = crack > 0.0 ? veneerCracks(p, crack) : vec2(1.0, 0.0);
        vec4 c = cr.y > 0.0 ? drawSmile(p, px, iChannel0, 1, mouthOpen) : drawSmile(p, px, iChannel0, 0, mouthOpen);
        float width = max(1.5, (0.012 + 0.02 * crack) / px);           // cracks scale with the smile
        float line = stroke(cr.x / px, width) * step(0.001, crack) * step(hash12(floor(p * 3.2) + 9.0), crack * 1.4);
        c.rgb *= 1.0 - 0.3 * cr.y * smoothstep(0.08, 0.0, cr.x);         // shadow at a flaked shard's edge
        c.rgb = mix(c.rgb, vec3(0.08, 0.02, 0.03), line * c.a * 0.9);
        // a barcode etched into the two front teeth: darker bars where the enamel is bright
        float bright = smoothstep(0.6, 0.8, dot(c.rgb, vec3(0.3, 0.5, 0.2)));
        vec2 b = (p - vec2(-0.19, -0.05)) / vec2(0.38, 0.16);
        float inCode = step(0.0, b.x) * step(b.x, 1.0) * step(0.0, b.y) * step(b.y, 1.0);
        c.rgb *= 1.0 - 0.28 * barcode(b.x, 21.0, 48.0) * inCode * bright * (1.0 - cr.y);
        c.rgb += pulse * c.a * GOLD * 0.25;
        col = col * (1.0 - c.a) + c.rgb;
    }

    // leader lines and tags: each tooth has its price
    for (int k = 0; k < 12; k++) {
        if (k >= tagCount) break;
        vec4 t = tags[k];
        vec2 lo = min(t.xy, t.zw - tagHalf) - 3.0, hi = max(t.xy, t.zw + tagHalf) + 3.0;
        if (any(lessThan(fragCoord, lo)) || any(greaterThan(fragCoord, hi))) continue;
        float lead = stroke(sdSegment(fragCoord, t.xy, t.zw - vec2(0.0, tagHalf.y)), 1.2);
        col = mix(col, AR_CYAN, lead * 0.55 * hud);
        col = mix(col, AR_CYAN * 0.22, aa(sdTag(fragCoord, t.zw, tagHalf)) * 0.85 * hud);
        col = mix(col, AR_CYAN, stroke(sdTag(fragCoord, t.zw, tagHalf), 1.5) * hud);
    }

    // the credit-score ring
    vec2 rq = fragCoord - vec2(ring.x * res.x, ring.y * H);
    vec2 rr = creditRing(rq, ring.z * H, ring.z * H * 0.12, purity);
    col = mix(col, AR_CYAN * 0.25, rr.x * hud);
    col = mix(col, mix(AR_CYAN, GOLD, pulse), rr.y * hud);

    // the ticker's band
    float band = step(fragCoord.y, tickerTop * H);
    col = mix(col, vec3(0.02, 0.05, 0.07), band * 0.92 * hud);
    col = mix(col, AR_CYAN, stroke(fragCoord.y - tickerTop * H, 2.0) * hud);
    fragColor = vec4(col, 1.0);
}
