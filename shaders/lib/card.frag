// One output's calibration card, in its source rectangle's own pixels (so that once the corners
// are pinned right, the circles are round on the wall): a 50% grey field to judge the blend by,
// a black band across the second row from the bottom to judge the black-level uplift by, a grid of square cells, a
// crosshair through the centre, a circle touching top and bottom and one in each corner.
#include "lib/common.glsl"

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 p = fragCoord - res * 0.5;
    float cell = res.y / 8.0;
    vec3 col = vec3(0.5);
    if (fragCoord.y >= cell && fragCoord.y < 2.0 * cell) {
        fragColor = vec4(vec3(0.0), 1.0);
        return;
    }
    vec2 g = abs(mod(p + 0.5 * cell, cell) - 0.5 * cell);
    col = mix(col, vec3(0.85), max(stroke(g.x, 1.0), stroke(g.y, 1.0)));
    col = mix(col, vec3(1.0), stroke(sdCircle(p, res.y * 0.5 - 1.0), 2.0));
    vec2 corner = abs(p) - (res * 0.5 - vec2(cell));
    col = mix(col, vec3(1.0), stroke(sdCircle(corner, cell * 0.75), 2.0));
    col = mix(col, AR_CYAN, max(stroke(p.x, 1.5), stroke(p.y, 1.5)));
    col = mix(col, AR_CYAN, max(stroke(fragCoord.x, 3.0), stroke(fragCoord.x - res.x, 3.0)));   // the edges
    col = mix(col, AR_CYAN, max(stroke(fragCoord.y, 3.0), stroke(fragCoord.y - res.y, 3.0)));
    fragColor = vec4(col, 1.0);
}
