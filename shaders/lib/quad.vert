// One quad per instance; a full-screen pass is a single instance covering the target.
// iRect: centre (x, y) in 0..1 of the target, size (w, h) in target heights, so a square stays
// square at any aspect ratio and a layout made at 320x180 holds at 3840x2160.
uniform vec3 iResolution;
in vec2 aPos;
in vec4 iRect;
in vec4 iData0;
in vec4 iData1;
in vec4 iData2;
in vec4 iData3;
in vec4 iData4;
in vec4 iData5;
in vec4 iData6;
out vec2 vUV;
flat out vec4 vData[7];
flat out int vInstance;

void main() {
    float aspect = iResolution.x / iResolution.y;
    vec2 halfSize = vec2(iRect.z / aspect, iRect.w);
    gl_Position = vec4(iRect.xy * 2.0 - 1.0 + aPos * halfSize, 0.0, 1.0);
    vUV = aPos;
    vData[0] = iData0; vData[1] = iData1; vData[2] = iData2; vData[3] = iData3;
    vData[4] = iData4; vData[5] = iData5; vData[6] = iData6;
    vInstance = gl_InstanceID;
}
