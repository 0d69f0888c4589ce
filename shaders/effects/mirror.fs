/*{
    "ISFVSN": "2",
    "DESCRIPTION": "A mirror down the middle: the left half reflected, the right, the top, or all four quarters.",
    "CREDIT": "Stagecraft",
    "CATEGORIES": ["Geometry Adjustment", "Stagecraft"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "mode", "TYPE": "long", "VALUES": [0, 1, 2, 3], "LABELS": ["left", "right", "top", "quarters"], "DEFAULT": 0}
    ]
}*/
void main() {
    vec2 uv = isf_FragNormCoord;
    if (mode == 0 || mode == 3) uv.x = 0.5 - abs(uv.x - 0.5);
    if (mode == 1) uv.x = 0.5 + abs(uv.x - 0.5);
    if (mode == 2 || mode == 3) uv.y = 0.5 + abs(uv.y - 0.5);
    gl_FragColor = IMG_NORM_PIXEL(inputImage, uv);
}
