// The Forum: the stage split between the elite (chrome, identical, cold, gridded) and the Bazaar
// (warm, diverse, lantern-lit). The seam between them is where the votes put it; polarisation
// fractures it into a jagged crack; the mediator softens it into a blend.
#include "lib/hud.glsl"

uniform float line;        // where the seam stands, 0..1 across
uniform float jag;         // how fractured the seam is, 0 smooth .. 1 torn
// (soften, the mediator, is the piece's parameter: 0 a hard edge .. 1 a wide gradient)

float seamX(float y) {
    // a sum of sawteeth drawn across the height: the crack a divided room makes
    float j = 0.0;
    for (int i = 1; i <= 4; i++) {
        float f = float(i) * 3.7;
        j += (abs(fract(y * f + hash12(vec2(float(i), 3.0))) - 0.5) - 0.25) / float(i);
    }
    return line + jag * 0.09 * j + 0.006 * sin(y * 6.0 + iTime * 0.4);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 uv = fragCoord / res;
    float sx = seamX(uv.y);
    float d = (uv.x - sx) * res.x;                          // pixels from the seam, + on the elite side
    float width = mix(2.0, res.x * 0.25, soften);
    float elite = smoothstep(-width * 0.5, width * 0.5, d);

    // the Bazaar: warm haze and soft lantern bokeh
    vec3 warm = mix(vec3(0.16, 0.06, 0.03), vec3(0.10, 0.03, 0.08), uv.y);
    vec2 cell = floor(fragCoord / (res.y * 0.12));
    vec2 bc = (cell + 0.3 + 0.4 * vec2(hash12(cell), hash12(cell + 5.0))) * res.y * 0.12;  // inside its cell
    float bokeh = exp(-pow(length(fragCoord - bc) / (res.y * 0.014), 2.0)) * step(0.55, hash12(cell + 9.0));
    vec3 lantern = hash12(cell + 2.0) < 0.33 ? AMBER : hash12(cell + 2.0) < 0.66 ? MAGENTA : TEAL;
    warm += lantern * bokeh * 0.35 * (0.8 + 0.2 * sin(iTime * 0.5 + cell.x));

    // the elite: cold chrome light on a grid
    vec3 cold = mix(vec3(0.05, 0.07, 0.10), vec3(0.16, 0.19, 0.24), uv.y);
    cold += CHROME * 0.08 * hudGrid(fragCoord, res.y / 14.0);
    cold += CHROME * 0.06 * smoothstep(0.6, 1.0, uv.y);

    vec3 col = mix(warm, cold, elite);
    // the seam itself: a bright fracture, dimmer when the mediator softens it
    float crack = stroke(d, 2.0 + 3.0 * jag) * (1.0 - soften);
    col += vec3(1.0, 0.93, 0.8) * (crack * 0.9 + 0.25 * exp(-abs(d) / (6.0 + 20.0 * jag)) * (1.0 - soften));
    fragColor = vec4(col, 1.0);
}
