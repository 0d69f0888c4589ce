/*{
    "ISFVSN": "2",
    "DESCRIPTION": "A filter in three passes: a blur at a size set by an input, a persistent float trail, then the mix: a test shader written for Stagecraft",
    "CATEGORIES": ["Blur"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "amount", "TYPE": "float", "DEFAULT": 0.5, "MIN": 0.0, "MAX": 1.0},
        {"NAME": "scale", "TYPE": "float", "DEFAULT": 4.0, "MIN": 1.0, "MAX": 8.0}
    ],
    "PASSES": [
        {"TARGET": "small", "WIDTH": "floor($WIDTH / $scale)", "HEIGHT": "floor($HEIGHT / $scale)"},
        {"TARGET": "trail", "PERSISTENT": true, "FLOAT": true},
        {}
    ]
}*/
void main() {
    if (PASSINDEX == 0) {
        vec2 px = 1.0 / IMG_SIZE(inputImage);
        vec4 c = vec4(0.0);
        for (int i = -2; i <= 2; i++) for (int j = -2; j <= 2; j++)
            c += IMG_NORM_PIXEL(inputImage, isf_FragNormCoord + vec2(i, j) * px * 2.0);
        gl_FragColor = c / 25.0;
    } else if (PASSINDEX == 1) {
        gl_FragColor = mix(IMG_THIS_NORM_PIXEL(small), IMG_THIS_PIXEL(trail), 0.9);
    } else {
        gl_FragColor = mix(IMG_THIS_PIXEL(inputImage), IMG_THIS_NORM_PIXEL(trail), amount);
    }
}
