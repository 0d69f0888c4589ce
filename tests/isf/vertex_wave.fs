/*{
    "ISFVSN": "2",
    "DESCRIPTION": "A vertex shader (.vs) beside the file hands the fragment a varying; a test shader written for Stagecraft",
    "CATEGORIES": ["Generator"],
    "INPUTS": [
        {"NAME": "stripes", "TYPE": "float", "DEFAULT": 6.0, "MIN": 1.0, "MAX": 20.0}
    ]
}*/
varying vec2 stripeCoord;

void main() {
    float s = step(0.5, fract(stripeCoord.x * stripes));
    gl_FragColor = vec4(mix(vec3(0.043, 0.027, 0.063), vec3(0.95, 0.90, 0.80), s), 1.0);
}
