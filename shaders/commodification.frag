// Commodification: one mouth fills the stage, wrapped in commodity: chrome veneer foil, a
// barcode label, stickers and logos (iChannel2). Where Juno's gestures have torn (iChannel1),
// the layers are gone and her own smile shows. Echoes from the audience make the picture glitch.
// With `mirror`, the foil reflects the room the camera sees (iChannel3), as a mirror does: whoever
// stands before the commodity finds themselves in its chrome.
#include "lib/smile.glsl"
#include "lib/hud.glsl"

uniform float mouthOpen;   // her voice opens the mouth
uniform float glitch;      // 0..1, the audience's echoes, decaying
uniform float glitchSeed;

// Crumpled foil: a height field of creases (sharp ridges from folded noise).
float creases(vec2 p) {
    return 0.55 * abs(valueNoise(p * 5.0) - 0.5) + 0.3 * abs(valueNoise(p * 11.0 + 3.1) - 0.5)
         + 0.15 * valueNoise(p * 23.0 + 7.7);
}

// Chrome foil over the mouth: the creases' slope picks a reflection from a studio gradient, and
// the smile's own shading shows through, as it does through wrapping.
vec3 foil(vec2 p, float shape) {
    const float e = 0.004;
    float h = creases(p);
    vec2 g = vec2(creases(p + vec2(e, 0.0)) - h, creases(p + vec2(0.0, e)) - h) / e;
    vec3 n = normalize(vec3(-g * 0.12, 1.0));
    vec3 r = reflect(vec3(0.0, 0.0, -1.0), n);
    float sky = smoothstep(-0.35, 0.55, r.y + 0.15 * sin(iTime * 0.3));
    vec3 env = mix(vec3(0.38, 0.41, 0.46), vec3(0.95, 0.97, 1.0), sky);
    // the room behind whoever looks, as a mirror shows it: flipped, the creases bending it a little
    vec2 at = 0.5 + p * 0.5 * vec2(iResolution.y / iResolution.x, 1.0);
    vec3 room = texture(iChannel3, vec2(1.0 - at.x, at.y) + r.xy * 0.05).rgb;
    env = mix(env, vec3(0.2) + 1.1 * vec3(dot(room, vec3(0.3, 0.55, 0.15))), mirror);
    env += vec3(1.0) * pow(max(dot(r, normalize(vec3(0.4, 0.5, 0.75))), 0.0), 40.0);
    return CHROME * env * (0.55 + 0.45 * shape);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 res = iResolution.xy;
    vec2 fc = fragCoord;
    // glitch: horizontal slices slide sideways; colours part a little
    float slice = floor(fc.y / (res.y * 0.035));
    float shove = (hash12(vec2(slice, glitchSeed)) - 0.5) * step(1.0 - glitch * 0.6, hash12(vec2(slice, glitchSeed + 1.0)));
    fc.x += shove * res.x * 0.08 * glitch;

    vec2 uv = fc / res;
    vec3 col = NIGHT + vec3(0.10, 0.06, 0.05) * exp(-pow(length((uv - vec2(0.5, 0.6)) * vec2(1.6, 1.0)) / 0.45, 2.0));

    float unit = res.y * 0.5;
    vec2 p = (fc - res * 0.5) / unit;
    float px = 1.0 / unit;
    vec4 smile = drawSmile(p, px, iChannel0, 0, mouthOpen);
    float torn = texture(iChannel1, uv).r;
    float foilLeft = 1.0 - smoothstep(1.0, 1.35, torn);
    float wrapLeft = 1.0 - smoothstep(0.0, 0.35, torn);

    // her smile, under the foil where the foil is gone
    vec3 c = smile.rgb;
    float luma = dot(smile.rgb / max(smile.a, 1e-3), vec3(0.3, 0.5, 0.2));
    c = mix(c, foil(p, luma) * smile.a, foilLeft);
    float rim = (smoothstep(0.8, 1.0, torn) - smoothstep(1.0, 1.1, torn) + smoothstep(1.8, 2.0, torn)) * smile.a;
    c += CHROME * rim * 0.5;                                        // the curled edge of a tear

    // a barcode label wrapped round the lower lip
    vec2 b = (p - vec2(-0.5, -0.6)) / vec2(1.0, 0.14);
    float label = step(0.0, b.x) * step(b.x, 1.0) * step(0.0, b.y) * step(b.y, 1.0) * smile.a;
    vec3 code = mix(vec3(0.95), vec3(0.05), barcode(b.x, 7.0, 95.0) * step(0.25, b.y));
    c = mix(c, code * smile.a, label * wrapLeft);
    col = col * (1.0 - smile.a) + c;

    // the stickers and logos, drawn beforehand into iChannel2
    vec4 wrap = texture(iChannel2, uv);
    col = col * (1.0 - wrap.a * wrapLeft) + wrap.rgb * wrapLeft;

    // colour parts under the glitch
    col.r = mix(col.r, col.r * (1.0 + 0.5 * shove), glitch);
    col.b = mix(col.b, col.b * (1.0 - 0.5 * shove), glitch);
    fragColor = vec4(col, 1.0);
}
