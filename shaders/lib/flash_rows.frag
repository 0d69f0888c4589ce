// The flash limiter's eyes, first half: for each row of the picture (iChannel0) and each column
// of regions, the mean colour in linear light along that row inside the region, times the fade:
// exactly, every pixel, cut at the same whole pixels as the checker's grid.
uniform int uColumns;
uniform float uFade;

vec3 toLinear(vec3 c) { return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c)); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    ivec2 at = ivec2(fragCoord);
    int width = textureSize(iChannel0, 0).x;
    int x0 = at.x * width / uColumns, x1 = (at.x + 1) * width / uColumns;
    vec3 sum = vec3(0.0);
    for (int x = x0; x < x1; x++)
        sum += toLinear(texelFetch(iChannel0, ivec2(x, at.y), 0).rgb);
    fragColor = vec4(sum / float(x1 - x0) * uFade, 1.0);
}
