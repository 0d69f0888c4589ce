// The next piece opens like a mouth: a smile-shaped window (the lens between two arcs) grows
// from the centre until it fills the frame, with a soft warm rim.
#include "../lib/common.glsl"

uniform sampler2D startImage;
uniform sampler2D endImage;
uniform float progress;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 uv = fragCoord / res;
    vec2 p = (fragCoord - res * 0.5) / res.y;
    float s = progress * progress * 2.4;              // grows past the corners
    float upper = length(p - vec2(0.0, 0.9 * s)) - 1.0 * s;     // below this arc...
    float lower = length(p - vec2(0.0, 0.25 * s)) - 0.62 * s;   // ...and inside this one
    float lens = max(-upper, lower) * res.y;
    float inside = aa(lens) * step(0.001, progress);
    vec4 col = mix(texture(startImage, uv), texture(endImage, uv), max(inside, step(0.999, progress)));
    col.rgb += AMBER * stroke(lens, 3.0) * (1.0 - progress) * step(0.001, progress);
    fragColor = vec4(col.rgb, 1.0);
}
