varying vec2 stripeCoord;

void main() {
    isf_vertShaderInit();
    stripeCoord = vec2(isf_FragNormCoord.x + 0.25 * isf_FragNormCoord.y, isf_FragNormCoord.y);
}
