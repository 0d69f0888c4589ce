// Projector setup card: a square grid centred on the screen, a circle touching top and bottom,
// corner circles for keystone, 75% colour bars, a grey ramp, line-pair focus patches and a sweep.
#include "lib/common.glsl"

uniform float sweepX;   // 0..1 across the width, driven from Python so renders stay deterministic

vec3 bars75(float u) {
    int i = int(floor(u * 7.0));
    vec3 c[7] = vec3[7](vec3(.75), vec3(.75,.75,0), vec3(0,.75,.75), vec3(0,.75,0),
                        vec3(.75,0,.75), vec3(.75,0,0), vec3(0,0,.75));
    return c[clamp(i, 0, 6)];
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 p = fragCoord - res * 0.5;                 // pixels from the centre
    float cell = res.y / float(max(grid, 2));
    vec3 col = vec3(0.09);

    if (mode == 3) { fragColor = vec4(tint.rgb, 1.0); return; }          // white field
    if (mode == 2) { fragColor = vec4(bars75(fragCoord.x / res.x), 1.0); return; }

    // grid: lines exactly one pixel wide, a brighter pair through the centre
    vec2 g = abs(mod(p + 0.5 * cell, cell) - 0.5 * cell);
    float line = max(stroke(g.x, 1.0), stroke(g.y, 1.0));
    col = mix(col, vec3(0.55), line);
    col = mix(col, vec3(1.0), max(stroke(p.x, 1.0), stroke(p.y, 1.0)) * 0.9);

    if (mode == 0) {
        // circles: one touching top and bottom, one per corner
        col = mix(col, vec3(1.0), stroke(sdCircle(p, res.y * 0.5 - 1.0), 2.0));
        vec2 corner = res * 0.5 - vec2(res.y * 0.12);
        vec2 q = abs(p) - corner;
        col = mix(col, vec3(1.0), stroke(sdCircle(q, res.y * 0.09), 2.0));
        // line-pair focus patches inside the corner circles: alternating 1-pixel lines
        if (length(q) < res.y * 0.05) {
            float lp = mod(floor(p.x + p.y < 0.0 ? fragCoord.x : fragCoord.y), 2.0);
            col = vec3(lp);
        }
        // colour bars and grey ramp across the middle band
        vec2 band = vec2(res.x * 0.6, res.y * 0.16);
        vec2 b = (fragCoord - (res * 0.5 - vec2(band.x * 0.5, res.y * 0.2))) / band;
        if (b.x >= 0.0 && b.x < 1.0 && b.y >= 0.35 && b.y < 1.0) col = bars75(b.x);
        if (b.x >= 0.0 && b.x < 1.0 && b.y >= 0.0 && b.y < 0.3) col = vec3(floor(b.x * 11.0) / 10.0);
        // centre target: a point2D the operator can move
        vec2 c = fragCoord - center * res;
        col = mix(col, AR_CYAN, stroke(sdCircle(c, cell * 0.25), 2.0));
    }

    // the sweep: a two-pixel bar crossing the screen, to see tearing and dropped frames
    col = mix(col, vec3(1.0, 0.2, 0.2), stroke(fragCoord.x - sweepX * res.x, 2.0));
    fragColor = vec4(col * tint.rgb, 1.0);
}
