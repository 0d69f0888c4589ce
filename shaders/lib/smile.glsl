// Signed-distance smiles drawn from the genome (stagecraft/smile.py packs one texture row per
// smile: TEXELS = 28 RGBA float texels). Space: the mouth's centre is the origin, one unit is
// half the height of a 2:1 box, so a whole smile fits in x -2..2, y -1..1. Everything is
// anti-aliased from the pixel size `px` (in those units), so a smile holds from 40 pixels wide
// to the full height of a stage.
#include "common.glsl"

#ifndef STAGECRAFT_SMILE
#define STAGECRAFT_SMILE

const int SMILE_MAX_TEETH = 12;
const vec3 MOUTH_DARK = vec3(0.13, 0.02, 0.05);
const vec3 IVORY = vec3(0.90, 0.82, 0.60);

struct Smile {
    float width, arc, asym, lipU, lipL;
    vec3 lip;
    float gum;
    int teeth;
    float enamel, braces, veneer, gumPaint;
};

Smile readSmile(sampler2D genomes, int row) {
    vec4 a = texelFetch(genomes, ivec2(0, row), 0);
    vec4 b = texelFetch(genomes, ivec2(1, row), 0);
    vec4 c = texelFetch(genomes, ivec2(2, row), 0);
    vec4 d = texelFetch(genomes, ivec2(3, row), 0);
    return Smile(a.x, a.y, a.z, a.w, b.x, b.yzw, c.x, int(c.y + 0.5), c.z, c.w, d.x, d.y);
}

// The lips' curves, as heights at t = x / halfWidth (-1..1): the lift that makes a smile a smile
// (corners up, one higher than the other with asymmetry), the inner edges of the opening, and
// the lips' outer edges.
float smileLift(Smile s, float t) { return s.arc * 0.34 * t * t + s.asym * 0.10 * t; }
float innerTop(Smile s, float t, float open) {
    return smileLift(s, t) + 0.10 * open * sqrt(max(1.0 - t * t, 0.0));
}
float innerBottom(Smile s, float t, float open) {
    float depth = (0.22 + 0.30 * s.arc) * open;
    return smileLift(s, t) - depth * pow(max(1.0 - t * t, 0.0), 0.75);
}

float rectEdge(vec2 p, vec2 halfSize, float r) { return sdBox(p, halfSize - r) - r; }

// One upper tooth in its own frame: hanging from the gum at y = 0, length `len`, a chip bitten
// off one bottom corner (up to about half the tooth's width).
float toothDistance(vec2 q, float halfW, float len, float chip, float side) {
    float d = rectEdge(q - vec2(0.0, -len * 0.5 + 0.05), vec2(halfW, len * 0.5 + 0.05), halfW * 0.45);
    vec2 inward = normalize(vec2(-side, 1.0));
    float bite = chip * 0.75 * halfW - dot(q - vec2(side * halfW, -len), inward);
    return chip > 0.02 ? max(d, bite) : d;
}

// Colour and coverage (premultiplied) of smile `s` at point p. `open` is how far the mouth is
// open: 0 a closed-lipped smile, 1 a full grin.
vec4 drawSmile(vec2 p, float px, Smile s, sampler2D genomes, int row, float open) {
    float hw = 0.92 * s.width;
    float t = p.x / hw;
    float tc = clamp(t, -1.0, 1.0);
    float top = innerTop(s, tc, open);
    float bottom = innerBottom(s, tc, open);
    float cornerFade = smoothstep(1.0, 0.96, abs(t));

    // lips: bands above the top edge and below the bottom edge, tapering into the corners
    float bow = 0.045 * s.lipU * exp(-t * t * 30.0);
    float thickU = (0.07 + 0.20 * s.lipU) * pow(max(1.0 - tc * tc, 0.0), 0.45);
    float thickL = (0.09 + 0.26 * s.lipL) * pow(max(1.0 - tc * tc, 0.0), 0.55);
    float slope = 1.0 + abs(s.arc * 0.68 * tc) + abs(s.asym * 0.1);
    float outer = max(p.y - (top + thickU - bow), (bottom - thickL) - p.y) / slope;
    float lips = aa(max(outer, (abs(t) - 1.0) * hw) / px);
    if (lips <= 0.0) return vec4(0.0);

    float inside = aa(max(max(p.y - top, bottom - p.y) / slope, abs(t) - 1.0) / px) * cornerFade;
    bool upper = p.y > (top + bottom) * 0.5;
    float lipShade = upper ? 0.66 + 0.26 * smoothstep(0.0, thickU, p.y - top) - 0.1 * smoothstep(0.6, 1.0, (p.y - top) / thickU)
                           : 0.78 + 0.22 * smoothstep(0.0, thickL, bottom - p.y);
    vec3 lipColor = s.lip * lipShade;
    lipColor += 0.22 * exp(-pow((p.y - (bottom - thickL * 0.45)) / (thickL * 0.25 + 1e-3), 2.0)
                           - pow(t / 0.35, 2.0)) * vec3(1.0, 0.85, 0.85);
    vec3 col = lipColor;

    if (inside > 0.0) {
        // the mouth's dark, a tongue's warmth low in the middle
        vec3 mouth = MOUTH_DARK * (0.7 + 0.6 * smoothstep(bottom, top, p.y));
        mouth = mix(mouth, vec3(0.42, 0.08, 0.12), 0.6 * exp(-pow(t / 0.5, 2.0) - pow((p.y - bottom) / 0.12, 2.0)));
        vec3 inner = mouth;

        // gums: a band under the top lip, wider with more gum show
        float gumLine = top - (0.015 + 0.11 * s.gum) * open;
        float gumMask = aa((gumLine - p.y) / px);
        vec3 paint = s.gumPaint < 0.34 ? MAGENTA : s.gumPaint < 0.67 ? TEAL : GOLD;
        vec3 gumColor = s.gumPaint > 0.05 ? paint : GUM;
        inner = mix(inner, gumColor * (0.8 + 0.2 * smoothstep(gumLine, top, p.y)), gumMask);

        // lower teeth: tips just showing over the bottom lip, in the mouth's shadow
        vec3 enamelColor = mix(ENAMEL, IVORY, s.enamel * (1.0 - s.veneer));
        float lowerW = hw * 0.15;
        vec2 lq = vec2((fract(p.x / lowerW + 0.5) - 0.5) * lowerW, p.y - bottom);
        float lower = aa(rectEdge(lq, vec2(lowerW * 0.42, 0.07 * open), lowerW * 0.3) / px);
        inner = mix(inner, enamelColor * 0.5, lower * aa((bottom - p.y) / px) * (1.0 - 0.6 * abs(tc)));

        // upper teeth: their centres and widths across the mouth come packed with the genome
        // (stagecraft/smile.py teeth_x); only the two or three teeth near p are shaped here
        int n = clamp(s.teeth, 1, SMILE_MAX_TEETH);
        float best = 1e3;
        vec3 toothColor = enamelColor;
        for (int k = 0; k < SMILE_MAX_TEETH; k++) {
            if (k >= n) break;
            vec4 tz = texelFetch(genomes, ivec2(5 + 2 * k, row), 0);
            float xc = tz.z, w = tz.w;
            if (abs(p.x - xc) > w * 1.2) continue;
            vec4 tw = texelFetch(genomes, ivec2(4 + 2 * k, row), 0);
            float tt = clamp(xc / hw, -1.0, 1.0);
            float root = innerTop(s, tt, open) - (0.015 + 0.11 * s.gum) * open + 0.02;
            float len = (0.30 - 0.12 * tt * tt) * (0.35 + 0.65 * open);
            float rot = mix(tw.y, 0.0, s.veneer);
            float off = mix(tw.z, 0.0, s.veneer) * 0.25;
            vec2 q = p - vec2(xc, root + off);
            float cr = cos(rot), sr = sin(rot);
            q = mat2(cr, sr, -sr, cr) * q;
            float chip = mix(tz.x, 0.0, s.veneer);
            float side = fract(float(k) * 0.618) > 0.5 ? 1.0 : -1.0;
            float d = toothDistance(q, w * 0.5, len, chip, side);
            if (d < best) {
                best = d;
                vec2 uv = vec2(q.x / (w * 0.5), -q.y / len);              // 0 at the gum, 1 at the edge
                float light = 0.82 + 0.18 * (1.0 - uv.x * uv.x) - 0.12 * uv.y;
                int cap = int(tz.y + 0.5);
                vec3 base = cap == 1 ? GOLD * (0.55 + 0.45 * light) :
                            cap == 2 ? CHROME * (0.45 + 0.55 * light) * (0.8 + 0.2 * sin(uv.y * 9.0)) :
                            enamelColor * light;
                float spec = exp(-pow((uv.x + 0.35) / 0.22, 2.0) - pow((uv.y - 0.3) / 0.25, 2.0));
                float shine = cap > 0 ? 0.9 : 0.25 + 0.45 * s.veneer;
                toothColor = base + shine * spec * vec3(1.0);
            }
        }
        float toothMask = aa(best / px) * aa((p.y - gumLine) / px);
        float seam = smoothstep(-3.0 * px, 0.0, best) * 0.35;                // dark where teeth meet
        inner = mix(inner, toothColor * (1.0 - seam), toothMask);

        // braces: a wire along the row and a bracket on each tooth
        if (s.braces > 0.5) {
            float wireY = gumLine - 0.14 * open;
            float wire = stroke((p.y - wireY) / px, max(1.0, 0.018 / px));
            float pitch = hw * 0.17;
            float bracket = aa((sdBox(vec2(fract(p.x / pitch) - 0.5, (p.y - wireY) / pitch), vec2(0.18)) * pitch) / px);
            inner = mix(inner, CHROME * 0.85, max(wire, bracket * 0.9) * toothMask);
        }
        col = mix(col, inner, inside);
    }
    return vec4(col * lips, lips);
}

vec4 drawSmile(vec2 p, float px, sampler2D genomes, int row, float open) {
    return drawSmile(p, px, readSmile(genomes, row), genomes, row, open);
}

#endif
