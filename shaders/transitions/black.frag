// Fade through black: the first half takes the start image down, the second brings the end up.
uniform sampler2D startImage;
uniform sampler2D endImage;
uniform float progress;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec4 from = texture(startImage, uv) * clamp(1.0 - 2.0 * progress, 0.0, 1.0);
    vec4 to = texture(endImage, uv) * clamp(2.0 * progress - 1.0, 0.0, 1.0);
    fragColor = vec4((from + to).rgb, 1.0);
}
