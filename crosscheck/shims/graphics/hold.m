function hold(varargin)
% hold(...): headless stand-in for Octave's hold (crosscheck shim, ours): does nothing.
% octave-cli without a graphics toolkit errors in hold; the course's files call it.
end
