/*{
    "ISFVSN": "2",
    "DESCRIPTION": "Bands of a smile's colours, every kind of ISF input moving them: a test shader written for Stagecraft",
    "CREDIT": "Stagecraft tests",
    "CATEGORIES": ["Generator"],
    "INPUTS": [
        {"NAME": "speed", "TYPE": "float", "DEFAULT": 0.5, "MIN": 0.0, "MAX": 2.0, "LABEL": "Speed"},
        {"NAME": "bands", "TYPE": "long", "VALUES": [2, 3, 4, 5], "LABELS": ["two", "three", "four", "five"], "DEFAULT": 3},
        {"NAME": "invert", "TYPE": "bool", "DEFAULT": false},
        {"NAME": "flash", "TYPE": "event"},
        {"NAME": "lip", "TYPE": "color", "DEFAULT": [0.70, 0.07, 0.23, 1.0]},
        {"NAME": "centre", "TYPE": "point2D", "DEFAULT": [0.5, 0.5], "MIN": [0.0, 0.0], "MAX": [1.0, 1.0]}
    ]
}*/

varying vec2 unused_in_a_generator;

void main() {
    vec2 uv = isf_FragNormCoord;
    float d = distance(uv * vec2(RENDERSIZE.x / RENDERSIZE.y, 1.0), centre * vec2(RENDERSIZE.x / RENDERSIZE.y, 1.0));
    float band = floor(fract(d * float(bands) - TIME * speed) * 2.0);
    vec3 ivory = vec3(0.95, 0.90, 0.80);
    vec3 col = mix(lip.rgb, ivory, band);
    if (invert) col = 1.0 - col;
    if (flash) col = ivory;
    gl_FragColor = vec4(col * (0.6 + 0.4 * float(FRAMEINDEX % 2 == 0 ? 1 : 1)), 1.0);
}
