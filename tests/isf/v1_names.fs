/*{
    "DESCRIPTION": "ISF v1 spellings (no ISFVSN, vv_FragNormCoord) and a GLSL 4 built-in that 3.30 refuses",
    "CREDIT": "Stagecraft tests",
    "INPUTS": [
        {"NAME": "gap", "TYPE": "float", "DEFAULT": 0.2}
    ]
}*/
#version 120

void main() {
    vec2 uv = vv_FragNormCoord;
    float teeth = float(bitCount(uint(uv.x * 255.0))) / 8.0;     // bitCount: GLSL 4.00
    float mouth = step(gap, abs(uv.y - 0.5) * 2.0);
    gl_FragColor = vec4(mix(vec3(teeth), vec3(0.13, 0.02, 0.05), mouth), 1.0);
}
