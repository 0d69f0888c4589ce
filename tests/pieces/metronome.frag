// The top half shows the beat (red: where in the bar, green: the tempo, blue: where in the beat);
// the bottom half the level parameter, which cues set and glide.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    fragColor = uv.y > 0.5 ? vec4(iPhase / 4.0, iTempo / 240.0, fract(iBeat), 1.0) : vec4(vec3(level), 1.0);
}
