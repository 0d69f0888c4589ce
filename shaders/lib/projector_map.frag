// The output stage's map of one projector, worked out when its mapping changes (not every frame):
// for each of its pixels, where on the canvas it shows (the output's source rectangle pinned to
// four corners by a homography, evaluated per pixel; then, with a warp grid, moved by a bilinear
// field of offsets, which each pixel undoes by Newton's method to within half a pixel, or shows
// black), and what its light is multiplied by and raised by there: soft edges (in the source
// rectangle, so they follow the content under a pin) are Bourke's ramps, which sum to one with
// the neighbour's, raised to 1/gamma so that the light sums to one; black is raised outside them
// to the overlap's doubled black; masks paint black, feathered. Written to a float image:
// canvas x, y (texture coordinates; -1 outside the picture), times, plus. Each part is compiled
// in only where the output uses it (EDGES, MASKS n, WARP).
uniform mat3 toSource;      // output (0..1, y down) -> its source rectangle (0..1, y down)
uniform vec4 source;        // the source rectangle on the canvas: x, y, w, h, 0..1, y down
uniform vec4 edgeWidth;     // left, right, top, bottom, fractions of the source rectangle
uniform vec4 edgeCurve;
uniform vec4 edgeGamma;
uniform float uplift;
#ifdef MASKS
uniform vec2 maskPoints[64];    // up to four masks of up to sixteen points, output 0..1, y down
uniform ivec4 maskCount;
uniform vec4 maskFeather;
#endif
#ifdef WARP
uniform ivec2 warpGrid;         // columns, rows
uniform vec2 warpPoints[81];    // offsets, output 0..1, (rows + 1) x (cols + 1) row by row from the top
#endif

float ramp(float t, float p) {
    t = clamp(t, 0.0, 1.0);
    return t < 0.5 ? 0.5 * pow(2.0 * t, p) : 1.0 - 0.5 * pow(2.0 * (1.0 - t), p);
}

float edge(float d, float width, float p, float g) {
    return width > 0.0 ? pow(ramp(d / width, p), 1.0 / g) : 1.0;
}

#ifdef MASKS
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
#endif

#ifdef WARP
vec2 warpPoint(int col, int row) {
    return warpPoints[row * (warpGrid.x + 1) + col];
}

// The field at p: its offset and the Jacobian of p + offset(p), bilinear within p's cell.
vec2 field(vec2 p, out mat2 jacobian) {
    vec2 g = clamp(p, 0.0, 1.0) * vec2(warpGrid);
    ivec2 c = min(ivec2(g), warpGrid - 1);
    vec2 f = g - vec2(c);
    vec2 a = warpPoint(c.x, c.y), b = warpPoint(c.x + 1, c.y);
    vec2 d = warpPoint(c.x, c.y + 1), e = warpPoint(c.x + 1, c.y + 1);
    vec2 top = mix(a, b, f.x), bottom = mix(d, e, f.x);
    jacobian = mat2(1.0) + mat2(mix(b - a, e - d, f.y) * float(warpGrid.x), (bottom - top) * float(warpGrid.y));
    return mix(top, bottom, f.y);
}

// q = p + offset(p): p by Newton's method. Where the Jacobian jumps at a cell's edge a step can
// overshoot; a pixel still more than half a pixel off after the steps is left black rather than
// shown from the wrong place (the caller checks `missed`).
vec2 unwarp(vec2 q, out bool missed) {
    vec2 p = q;
    mat2 jacobian;
    for (int i = 0; i < 8; i++) {
        vec2 offset = field(p, jacobian);
        p -= inverse(jacobian) * (p + offset - q);
    }
    missed = length((p + field(p, jacobian) - q) * iResolution.xy) > 0.5;
    return p;
}
#endif

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 shown = vec2(vUV.x * 0.5 + 0.5, 0.5 - vUV.y * 0.5);
#ifdef WARP
    bool missed;
    vec2 q = unwarp(shown, missed);
    if (missed) {
        fragColor = vec4(-1.0, -1.0, 0.0, 0.0);
        return;
    }
#else
    vec2 q = shown;
#endif
    vec3 h = toSource * vec3(q, 1.0);
    vec2 uv = h.xy / h.z;
    if (h.z <= 0.0 || any(lessThan(uv, vec2(0.0))) || any(greaterThan(uv, vec2(1.0)))) {
        fragColor = vec4(-1.0, -1.0, 0.0, 0.0);
        return;
    }
    vec2 c = source.xy + uv * source.zw;
    float times = 1.0, plus = 0.0;
#ifdef EDGES
    vec4 d = vec4(uv.x, 1.0 - uv.x, uv.y, 1.0 - uv.y);
    float k = edge(d.x, edgeWidth.x, edgeCurve.x, edgeGamma.x) * edge(d.y, edgeWidth.y, edgeCurve.y, edgeGamma.y)
            * edge(d.z, edgeWidth.z, edgeCurve.z, edgeGamma.z) * edge(d.w, edgeWidth.w, edgeCurve.w, edgeGamma.w);
    bool overlap = any(lessThan(d, edgeWidth));
    times = overlap ? k : 1.0 - uplift;
    plus = overlap ? 0.0 : uplift;
#endif
#ifdef MASKS
    for (int m = 0; m < MASKS; m++) {
        float f = max(maskFeather[m], 1e-4);
        float open = smoothstep(-f, 0.0, sdPolygon(16 * m, maskCount[m], shown));
        times *= open;
        plus *= open;
    }
#endif
    fragColor = vec4(c.x, 1.0 - c.y, times, plus);
}
