// HUD primitives for the commodified register: cold, gridded, AR cyan. Distances in pixels.
#include "common.glsl"

#ifndef STAGECRAFT_HUD
#define STAGECRAFT_HUD

// A faint square grid of `cell` pixels, the catalog's graph paper.
float hudGrid(vec2 fragCoord, float cell) {
    vec2 g = abs(mod(fragCoord + 0.5 * cell, cell) - 0.5 * cell);
    return max(stroke(g.x, 1.0), stroke(g.y, 1.0));
}

// A price tag centred at c: a label box whose left end is cut to a point, with a punched hole.
float sdTag(vec2 p, vec2 c, vec2 halfSize) {
    vec2 q = p - c;
    float box = sdBox(q, halfSize);
    float point = dot(vec2(q.x + halfSize.x, abs(q.y)), vec2(-0.7071, 0.7071));
    float hole = sdCircle(q + vec2(halfSize.x - halfSize.y * 0.9, 0.0), halfSize.y * 0.25);
    return max(max(box, point), -hole);
}

// Distance from p to the segment a-b.
float sdSegment(vec2 p, vec2 a, vec2 b) {
    vec2 pa = p - a, ba = b - a;
    return length(pa - ba * clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0));
}

// 1 on a bar, 0 in a space, for x in 0..1 across `modules` bars; the same for the same seed.
float barcode(float x, float seed, float modules) {
    float m = floor(clamp(x, 0.0, 1.0) * modules);
    return step(0.5, hash12(vec2(m, seed)));
}

// A ring of radius r, w pixels thick, lit from twelve o'clock clockwise to `progress` (0..1).
vec2 creditRing(vec2 p, float r, float w, float progress) {
    float d = abs(length(p) - r) - 0.5 * w;
    float a = fract(0.25 - atan(p.y, p.x) / 6.2831853);
    float lit = step(a, progress);
    float ticks = step(0.985, fract(a * 40.0)) * step(abs(length(p) - r - w), 0.6 * w);
    return vec2(aa(d), max(aa(d) * lit, ticks));
}

#endif
