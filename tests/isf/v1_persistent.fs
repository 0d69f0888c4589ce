/*{
    "DESCRIPTION": "ISF v1's PERSISTENT_BUFFERS: a dot that leaves a fading trail; a test shader written for Stagecraft",
    "CREDIT": "Stagecraft tests",
    "CATEGORIES": ["Generator"],
    "INPUTS": [
        {"NAME": "decay", "TYPE": "float", "DEFAULT": 0.96, "MIN": 0.5, "MAX": 0.999}
    ],
    "PERSISTENT_BUFFERS": ["trail"],
    "PASSES": [
        {"TARGET": "trail"},
        {}
    ]
}*/
void main() {
    vec2 uv = vv_FragNormCoord;
    if (PASSINDEX == 0) {
        vec2 dot_at = vec2(0.5 + 0.35 * cos(TIME * 2.0), 0.5 + 0.35 * sin(TIME * 2.0));
        float spot = smoothstep(0.05, 0.03, distance(uv * vec2(RENDERSIZE.x / RENDERSIZE.y, 1.0),
                                                   dot_at * vec2(RENDERSIZE.x / RENDERSIZE.y, 1.0)));
        vec4 last = IMG_THIS_NORM_PIXEL(trail) * decay;
        gl_FragColor = max(last, vec4(0.95, 0.90, 0.80, 1.0) * spot);
    } else {
        gl_FragColor = vec4(IMG_THIS_NORM_PIXEL(trail).rgb * vec3(1.0, 0.55, 0.6), 1.0);
    }
}
