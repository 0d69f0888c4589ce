/*{
    "ISFVSN": "2",
    "DESCRIPTION": "The three primaries pulled apart, as a cheap lens or a worn screen does.",
    "CREDIT": "Stagecraft",
    "CATEGORIES": ["Color Effect", "Stagecraft"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "amount", "LABEL": "split (canvas heights)", "TYPE": "float", "DEFAULT": 0.004, "MIN": 0.0, "MAX": 0.03},
        {"NAME": "angle", "LABEL": "angle (turns)", "TYPE": "float", "DEFAULT": 0.0, "MIN": 0.0, "MAX": 1.0}
    ]
}*/
void main() {
    vec2 uv = isf_FragNormCoord;
    vec2 d = amount * vec2(cos(6.2831853 * angle) * RENDERSIZE.y / RENDERSIZE.x, sin(6.2831853 * angle));
    vec4 g = IMG_NORM_PIXEL(inputImage, uv);
    gl_FragColor = vec4(IMG_NORM_PIXEL(inputImage, uv + d).r, g.g, IMG_NORM_PIXEL(inputImage, uv - d).b, g.a);
}
