/* gst-trial: rsbagdemux, the demuxer of RealSense .bag recordings. */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

#define GST_TYPE_RS_BAG_DEMUX (gst_rs_bag_demux_get_type ())
G_DECLARE_FINAL_TYPE (GstRsBagDemux, gst_rs_bag_demux, GST, RS_BAG_DEMUX,
    GstElement)

GST_ELEMENT_REGISTER_DECLARE (rsbagdemux);

/* The typefinder of ROS bag 2.0 files: application/x-rosbag. */
GST_TYPE_FIND_REGISTER_DECLARE (rosbag);

G_END_DECLS
