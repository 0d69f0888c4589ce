// The output stage, every frame: one projector's view of the frame the audience is shown
// (iChannel0), read through its map (iChannel2, projector_map.frag: where each pixel shows on
// the canvas, and its soft edges' and masks' light), then its gain. While calibrating, the output's
// own card (iChannel1) stands in for the canvas (CARD); while editing, its handles are ringed
// (HANDLES).
uniform vec4 source;        // the source rectangle on the canvas: x, y, w, h, 0..1, y down
uniform vec4 gain;          // r, g, b, brightness
uniform float cardLevel;    // the fade's level: a blackout darkens the card too
#ifdef HANDLES
uniform vec2 handles[85];   // the corners, then the warp points (output 0..1, y down)
uniform int handleCount;
uniform int handleSelected;
uniform vec2 outputSize;

float rings(vec2 q) {
    float ring = 0.0;
    for (int i = 0; i < 85; i++) {
        if (i >= handleCount) break;
        float r = length((q - handles[i]) * outputSize);
        float size = i == handleSelected ? 14.0 : 9.0;
        ring = max(ring, 1.0 - smoothstep(1.0, 2.0, abs(r - size)));
        if (i == handleSelected) {      // and a crosshair, to nudge by
            vec2 d = abs((q - handles[i]) * outputSize);
            ring = max(ring, (1.0 - smoothstep(0.5, 1.5, min(d.x, d.y))) * step(max(d.x, d.y), 30.0));
        }
    }
    return ring;
}
#endif

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec4 m = texture(iChannel2, vUV * 0.5 + 0.5);
#ifdef HANDLES
    vec3 ring = vec3(0.24, 0.96, 1.0) * rings(vec2(vUV.x * 0.5 + 0.5, 0.5 - vUV.y * 0.5));
#else
    vec3 ring = vec3(0.0);
#endif
    if (m.x < 0.0) {
        fragColor = vec4(ring, 1.0);
        return;
    }
#ifdef CARD
    vec3 col = texture(iChannel1, (m.xy - vec2(source.x, 1.0 - source.y - source.w)) / source.zw).rgb * cardLevel;
#else
    vec3 col = texture(iChannel0, m.xy).rgb;
#endif
    fragColor = vec4(max((col * m.z + m.w) * gain.rgb * gain.a, ring), 1.0);
}
