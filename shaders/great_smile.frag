// The Collective's great smile, drawn once into a target that the mosaic's tiles sample.
#include "lib/smile.glsl"

uniform vec3 box;          // the great smile's 2:1 box: centre (x, y) in 0..1, height in canvas heights
uniform float mouthOpen;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float unit = box.z * iResolution.y * 0.5;
    vec2 p = (fragCoord - box.xy * iResolution.xy) / unit;
    fragColor = drawSmile(p, 1.0 / unit, iChannel0, 0, mouthOpen);
}
