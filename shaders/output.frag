// The final output pass: every frame that is not a plain copy of the canvas reaches the screen
// through here. uFade is the picture master: 1 shows the canvas, 0 is black (blackout, panic).
uniform float uFade;

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec3 c = texture(iChannel0, vUV * 0.5 + 0.5).rgb;
    fragColor = vec4(c * clamp(uFade, 0.0, 1.0), 1.0);
}
