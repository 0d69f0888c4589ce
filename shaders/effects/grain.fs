/*{
    "ISFVSN": "2",
    "DESCRIPTION": "Film grain: fine noise, new each frame, strongest in the mid-tones.",
    "CREDIT": "Stagecraft",
    "CATEGORIES": ["Stylize", "Stagecraft"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "amount", "TYPE": "float", "DEFAULT": 0.06, "MIN": 0.0, "MAX": 0.3},
        {"NAME": "size", "LABEL": "grain size (pixels)", "TYPE": "float", "DEFAULT": 1.5, "MIN": 1.0, "MAX": 6.0}
    ]
}*/
// seeded by the frame index, not the clock: an offline render grains the same every time
float hash(vec3 p) {
    p = fract(p * vec3(0.1031, 0.1030, 0.0973));
    p += dot(p, p.yxz + 33.33);
    return fract((p.x + p.y) * p.z);
}

void main() {
    vec4 c = IMG_THIS_PIXEL(inputImage);
    float n = hash(vec3(floor(gl_FragCoord.xy / size), float(FRAMEINDEX % 4096))) - 0.5;
    float mid = 1.0 - abs(dot(c.rgb, vec3(0.2126, 0.7152, 0.0722)) * 2.0 - 1.0);
    gl_FragColor = vec4(c.rgb + n * amount * (0.35 + 0.65 * mid), c.a);
}
