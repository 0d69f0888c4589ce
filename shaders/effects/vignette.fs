/*{
    "ISFVSN": "2",
    "DESCRIPTION": "The edges fall into the night, as a spotlight leaves them.",
    "CREDIT": "Stagecraft",
    "CATEGORIES": ["Stylize", "Stagecraft"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "amount", "TYPE": "float", "DEFAULT": 0.6, "MIN": 0.0, "MAX": 1.0},
        {"NAME": "softness", "TYPE": "float", "DEFAULT": 0.45, "MIN": 0.05, "MAX": 1.0}
    ]
}*/
void main() {
    vec2 p = (isf_FragNormCoord - 0.5) * vec2(RENDERSIZE.x / RENDERSIZE.y, 1.0);
    float edge = smoothstep(0.75 - softness * 0.5, 0.75 + softness * 0.25, length(p) * 1.1);
    vec4 c = IMG_THIS_PIXEL(inputImage);
    vec3 night = vec3(0.043, 0.027, 0.063);
    gl_FragColor = vec4(mix(c.rgb, night, edge * amount), c.a);
}
