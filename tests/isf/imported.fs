/*{
    "ISFVSN": "2",
    "DESCRIPTION": "An IMPORTED image beside the file, tiled and tinted: a test shader written for Stagecraft",
    "CATEGORIES": ["Generator"],
    "INPUTS": [
        {"NAME": "tiles", "TYPE": "float", "DEFAULT": 1.0, "MIN": 1.0, "MAX": 4.0}
    ],
    "IMPORTED": {
        "mark": {"PATH": "imported_mark.png"}
    }
}*/
void main() {
    vec2 uv = fract(isf_FragNormCoord * tiles);
    gl_FragColor = IMG_NORM_PIXEL(mark, uv) * vec4(1.0, 0.95, 0.9, 1.0) + vec4(0.0, 0.0, 0.0, 0.0) * IMG_SIZE(mark).x;
}
