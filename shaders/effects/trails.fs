/*{
    "ISFVSN": "2",
    "DESCRIPTION": "Trails: each frame laid over a fading copy of the last, a long exposure.",
    "CREDIT": "Stagecraft",
    "CATEGORIES": ["Feedback", "Stagecraft"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "decay", "LABEL": "how much of the last frame stays", "TYPE": "float", "DEFAULT": 0.85, "MIN": 0.0, "MAX": 0.98}
    ],
    "PASSES": [
        {"TARGET": "exposure", "PERSISTENT": true, "FLOAT": true},
        {}
    ]
}*/
void main() {
    if (PASSINDEX == 0) {
        vec4 now = IMG_THIS_PIXEL(inputImage);
        gl_FragColor = max(now, IMG_THIS_PIXEL(exposure) * decay);
    } else {
        gl_FragColor = IMG_THIS_PIXEL(exposure);
    }
}
