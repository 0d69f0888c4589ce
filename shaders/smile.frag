// One smile per instance, for crowds. The quad is twice as wide as it is high.
// vData[0] = (genome row in iChannel0, how open, how grey, glow); vData[1] = (blur, 0, 0,
// opacity). Data that stops after vData[0] reads vData[1] as (0, 0, 0, 1): sharp and opaque.
#include "lib/smile.glsl"

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = vUV * vec2(2.0, 1.0);
    float px = length(vec2(dFdx(p.x), dFdy(p.x))) * (1.0 + 14.0 * vData[1].x);  // blur: a wider edge
    vec4 c = drawSmile(p, px, iChannel0, int(vData[0].x + 0.5), vData[0].y);
    float luma = dot(c.rgb, vec3(0.2126, 0.7152, 0.0722));
    c.rgb = mix(c.rgb, vec3(luma) * 0.8, vData[0].z);
    c.rgb += vData[0].w * c.a * vec3(0.25, 0.2, 0.1);
    fragColor = c * vData[1].w;
}
