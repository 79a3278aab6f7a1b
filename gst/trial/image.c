/* stub: being implemented */
#include "gst/trial/image.h"
