/* stub: being implemented */
#include "gst/trial/npy.h"
