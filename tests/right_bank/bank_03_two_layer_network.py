"""Right answers to lesson 03's exercises in other forms."""

LESSON = "03_two_layer_network"

CASES = [
    dict(exercise="softmax", bug="no keepdims (broadcast over the last axis)", passes=["test_softmax"],
         source="def softmax(z):\n    e = np.exp(z - z.max(axis=0))\n    return e / e.sum(axis=0)\n"),
    dict(exercise="dz2_long_way", bug="einsum for Jᵀ·g", passes=["test_dz2_long_way"],
         source="def dz2_long_way(z2, y):\n    g = -y / softmax(z2)\n"
                "    return np.einsum('ji,jk->ik', softmax_jacobian(z2), g)\n"),
]
