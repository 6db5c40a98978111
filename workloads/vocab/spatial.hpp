// How a tile's loop dims are laid onto a PE array: one dim along the rows, one along the
// columns (-1: none); every other dim, and what does not fit, is iterated in time.
#pragma once

namespace fusesim {

struct SpatialMapping {
    int row_dim = -1;
    int col_dim = -1;
};

} // namespace fusesim
