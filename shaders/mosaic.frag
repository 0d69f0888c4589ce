// One tile of the finale's mosaic: a contributed smile, tinted by the great smile at the tile's
// centre (iChannel1), so together they draw it. Tiles outside the great smile are not drawn.
// vData[0] = (genome row in iChannel0, how open, glow of a new arrival, 0)
// vData[1] = (tile centre x, y in 0..1, brightness, 0)
#include "lib/smile.glsl"

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec4 great = texture(iChannel1, vData[1].xy);
    vec2 p = vUV * vec2(2.0, 1.0) * 0.62;                        // the mouth fills its tile
    float px = length(vec2(dFdx(p.x), dFdy(p.x)));
    vec4 tile = drawSmile(p, px, iChannel0, int(vData[0].x + 0.5), vData[0].y);
    vec3 tone = great.rgb / max(great.a, 1e-3);
    vec3 col = mix(tone * 0.9, tile.rgb / max(tile.a, 1e-3) * tone * 1.35, tile.a * 0.7);
    col = col * vData[1].z + vData[0].z * vec3(1.0, 0.85, 0.5) * 0.6;
    float edge = 1.0 - smoothstep(0.88, 1.0, max(abs(vUV.x), abs(vUV.y)));   // a hairline between tiles
    fragColor = vec4(col * (0.7 + 0.3 * edge), 1.0) * smoothstep(0.3, 0.6, great.a);
}
