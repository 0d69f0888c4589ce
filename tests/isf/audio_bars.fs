/*{
    "ISFVSN": "2",
    "DESCRIPTION": "The sound as ISF hears it, over the picture: the waveform as a line, the spectrum as bars; a test filter written for Stagecraft",
    "CATEGORIES": ["Audio Reactive"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "wave", "TYPE": "audio"},
        {"NAME": "spectrum", "TYPE": "audioFFT", "MAX": 256},
        {"NAME": "gain", "TYPE": "float", "DEFAULT": 1.0, "MIN": 0.0, "MAX": 4.0}
    ]
}*/
void main() {
    vec2 uv = isf_FragNormCoord;
    float level = IMG_NORM_PIXEL(spectrum, vec2(uv.x, 0.5)).r * gain;
    float bar = step(uv.y, level);
    float w = IMG_NORM_PIXEL(wave, vec2(uv.x, 0.5)).r;
    float line = smoothstep(0.02, 0.0, abs(uv.y - w));
    vec3 under = IMG_THIS_PIXEL(inputImage).rgb * 0.25;
    gl_FragColor = vec4(mix(under, vec3(0.70, 0.07, 0.23), bar) + vec3(0.95, 0.90, 0.80) * line, 1.0);
}
