/* stub: being implemented */
#include "gst/trial/colormap.h"
