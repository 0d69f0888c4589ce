// A plain Shadertoy mainImage, as pasted from the site: a test shader written for Stagecraft.
// It uses a name GLSL 4 reserves (sample) and GLSL ES's precision line, as real shaders do.
precision highp float;

float sample(vec2 p) {
    return 0.5 + 0.5 * sin(10.0 * length(p) - 3.0 * iTime);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float r = sample(p);
    vec2 m = iMouse.xy / iResolution.xy;
    fragColor = vec4(mix(vec3(0.70, 0.07, 0.23), vec3(0.95, 0.90, 0.80), r) * (0.8 + 0.2 * m.x), 1.0);
}
