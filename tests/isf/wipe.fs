/*{
    "ISFVSN": "2",
    "DESCRIPTION": "A soft wipe along a direction: a test transition written for Stagecraft",
    "CATEGORIES": ["Wipe"],
    "INPUTS": [
        {"NAME": "startImage", "TYPE": "image"},
        {"NAME": "endImage", "TYPE": "image"},
        {"NAME": "progress", "TYPE": "float", "MIN": 0.0, "MAX": 1.0, "DEFAULT": 0.0},
        {"NAME": "direction", "TYPE": "point2D", "DEFAULT": [1.0, 0.0], "MIN": [-1.0, -1.0], "MAX": [1.0, 1.0]}
    ]
}*/
void main() {
    float along = dot(isf_FragNormCoord - 0.5, normalize(direction)) + 0.5;
    float k = smoothstep(progress - 0.1, progress + 0.1, 1.0 - along);
    gl_FragColor = mix(IMG_THIS_NORM_PIXEL(endImage), IMG_THIS_NORM_PIXEL(startImage), k);
}
