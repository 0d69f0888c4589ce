// The output stage: one projector's view of the frame the audience is shown (iChannel0). The
// output's source rectangle is pinned to four corners by a homography evaluated per fragment;
// soft edges (in the source rectangle, so they follow the content under a pin) are Bourke's
// ramps, which sum to one with the neighbour's, raised to 1/gamma so that the light sums to one;
// black is raised outside them to the overlap's doubled black; masks paint black, feathered.
uniform mat3 toSource;      // output (0..1, y down) -> its source rectangle (0..1, y down)
uniform vec4 source;        // the source rectangle on the canvas: x, y, w, h, 0..1, y down
uniform vec4 edgeWidth;     // left, right, top, bottom, fractions of the source rectangle
uniform vec4 edgeCurve;
uniform vec4 edgeGamma;
uniform float uplift;
uniform vec4 gain;          // r, g, b, brightness
uniform vec2 maskPoints[64];    // four masks of up to sixteen points, output 0..1, y down
uniform ivec4 maskCount;
uniform vec4 maskFeather;

float ramp(float t, float p) {
    t = clamp(t, 0.0, 1.0);
    return t < 0.5 ? 0.5 * pow(2.0 * t, p) : 1.0 - 0.5 * pow(2.0 * (1.0 - t), p);
}

float edge(float d, float width, float p, float g) {
    return width > 0.0 ? pow(ramp(d / width, p), 1.0 / g) : 1.0;
}

// Signed distance to a polygon (negative inside): Inigo Quilez's winding-number form.
float sdPolygon(int first, int n, vec2 q) {
    float d = dot(q - maskPoints[first], q - maskPoints[first]);
    float s = 1.0;
    for (int i = 0; i < 16; i++) {
        if (i >= n) break;
        vec2 a = maskPoints[first + i], b = maskPoints[first + (i + n - 1) % n];
        vec2 e = b - a, w = q - a;
        vec2 h = w - e * clamp(dot(w, e) / dot(e, e), 0.0, 1.0);
        d = min(d, dot(h, h));
        bvec3 c = bvec3(q.y >= a.y, q.y < b.y, e.x * w.y > e.y * w.x);
        if (all(c) || all(not(c))) s = -s;
    }
    return s * sqrt(d);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 q = vec2(vUV.x * 0.5 + 0.5, 0.5 - vUV.y * 0.5);
    vec3 h = toSource * vec3(q, 1.0);
    vec2 uv = h.xy / h.z;
    if (h.z <= 0.0 || any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) {
        fragColor = vec4(0.0, 0.0, 0.0, 1.0);
        return;
    }
    vec2 c = source.xy + uv * source.zw;
    vec3 col = texture(iChannel0, vec2(c.x, 1.0 - c.y)).rgb;
    vec4 d = vec4(uv.x, 1.0 - uv.x, uv.y, 1.0 - uv.y);
    float k = edge(d.x, edgeWidth.x, edgeCurve.x, edgeGamma.x) * edge(d.y, edgeWidth.y, edgeCurve.y, edgeGamma.y)
            * edge(d.z, edgeWidth.z, edgeCurve.z, edgeGamma.z) * edge(d.w, edgeWidth.w, edgeCurve.w, edgeGamma.w);
    bool overlap = any(lessThan(d, edgeWidth));
    col = overlap ? col * k : uplift + col * (1.0 - uplift);
    for (int m = 0; m < 4; m++) {
        if (maskCount[m] < 3) continue;
        float f = max(maskFeather[m], 1e-4);
        col *= smoothstep(-f, 0.0, sdPolygon(16 * m, maskCount[m], q));
    }
    fragColor = vec4(col * gain.rgb * gain.a, 1.0);
}
