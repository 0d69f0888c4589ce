/*{
    "ISFVSN": "2",
    "DESCRIPTION": "A soft Gaussian blur in two passes (across, then down) at half size.",
    "CREDIT": "Stagecraft",
    "CATEGORIES": ["Blur", "Stagecraft"],
    "INPUTS": [
        {"NAME": "inputImage", "TYPE": "image"},
        {"NAME": "radius", "LABEL": "radius (canvas heights)", "TYPE": "float", "DEFAULT": 0.01, "MIN": 0.0, "MAX": 0.05}
    ],
    "PASSES": [
        {"TARGET": "across", "WIDTH": "floor($WIDTH / 2.0)", "HEIGHT": "floor($HEIGHT / 2.0)"},
        {"TARGET": "down", "WIDTH": "floor($WIDTH / 2.0)", "HEIGHT": "floor($HEIGHT / 2.0)"},
        {}
    ]
}*/
// nine taps with linear filtering between texels: a 17-texel kernel for the cost of nine
vec4 blur9(sampler2D img, vec2 uv, vec2 step_) {
    vec4 c = IMG_NORM_PIXEL(img, uv) * 0.2270;
    c += (IMG_NORM_PIXEL(img, uv + step_ * 1.3846) + IMG_NORM_PIXEL(img, uv - step_ * 1.3846)) * 0.3162;
    c += (IMG_NORM_PIXEL(img, uv + step_ * 3.2308) + IMG_NORM_PIXEL(img, uv - step_ * 3.2308)) * 0.0703;
    return c;
}

void main() {
    vec2 uv = isf_FragNormCoord;
    float r = radius * RENDERSIZE.y / 3.2308;    // pixels of this pass per tap step
    if (PASSINDEX == 0) {
        gl_FragColor = blur9(inputImage, uv, vec2(r / RENDERSIZE.x, 0.0));
    } else if (PASSINDEX == 1) {
        gl_FragColor = blur9(across, uv, vec2(0.0, r / RENDERSIZE.y));
    } else {
        gl_FragColor = radius > 0.0 ? IMG_NORM_PIXEL(down, uv) : IMG_THIS_PIXEL(inputImage);
    }
}
