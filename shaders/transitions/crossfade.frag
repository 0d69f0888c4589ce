// A crossfade, in ISF's transition convention: startImage, endImage, progress 0..1.
uniform sampler2D startImage;
uniform sampler2D endImage;
uniform float progress;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    fragColor = mix(texture(startImage, uv), texture(endImage, uv), progress);
}
