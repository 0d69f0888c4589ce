// The final output pass: every frame that is not a plain copy of the canvas reaches the screen
// through here. In linear light: uFade is the picture master (blackout, panic, closing hours),
// then, where the flash limiter holds a region, a blend toward what was last shown there
// (iChannel1, one texel per region: its last colour and how far to blend; not filtered, so the
// region's mean moves exactly as the limiter decided).
uniform float uFade;
uniform bool uLimit;

vec3 toLinear(vec3 c) { return mix(c / 12.92, pow((c + 0.055) / 1.055, vec3(2.4)), step(0.04045, c)); }
vec3 toSrgb(vec3 c) { return mix(c * 12.92, 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055, step(0.0031308, c)); }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = vUV * 0.5 + 0.5;
    vec3 c = toLinear(texture(iChannel0, uv).rgb) * clamp(uFade, 0.0, 1.0);
    if (uLimit) {
        vec4 held = texture(iChannel1, uv);
        c = mix(c, held.rgb, held.a);
    }
    fragColor = vec4(toSrgb(clamp(c, 0.0, 1.0)), 1.0);
}
